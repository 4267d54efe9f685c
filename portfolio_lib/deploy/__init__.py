"""The multi-user deployment: LDAP sign-on through JupyterHub, the dashboards behind it, researchers apart."""
