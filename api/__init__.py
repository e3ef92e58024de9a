"""The innograph HTTP service (FastAPI); it imports graph, never the other way round."""
