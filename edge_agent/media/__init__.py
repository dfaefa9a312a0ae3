"""Photo, voice and read-aloud (issue 14): OCR, speech recognition and speech synthesis, all offline.

Each engine loads on its first use (``serve`` starts as fast with them on as off); images and recordings are
handled in memory only and never written to disk, logs or the conversation store.
"""
