"""The local language model: manifest of known GGUF files, prompt formats, and a serialised backend."""
