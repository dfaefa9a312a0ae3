"""The organisation's knowledge: chunking documents, embedding them, and the Chroma store."""
