"""The Streamlit layer: the only package besides pages/ that imports streamlit."""
