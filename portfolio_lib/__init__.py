"""學習歷程工作台: the library behind the learning-portfolio workbench."""

__version__ = "0.1.0"
