"""Widget apps the dashboards show (ipywidgets + plotly); notebooks only wire them."""
