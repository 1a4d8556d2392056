"""What is said: prompt packs, the engine that walks them, and summaries.

Pure Python over plain data. Nothing here does I/O beyond reading pack files,
and nothing here imports ``telegram``, ``storage`` or ``bot``.
"""
