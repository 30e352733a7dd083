"""The bundled plan: data/measures.yaml at the top of the repository, installed as dgplan.data."""
