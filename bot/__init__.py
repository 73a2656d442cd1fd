"""Channels of the GSDOA bot. They talk to Rasa over its REST channel only and import neither rasa nor spacy."""
