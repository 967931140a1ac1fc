"""What the system decides and learns: domain types, sound taxonomy, planner, bridge, decoders.

Pure Python: no I/O, no gRPC, and nothing here imports ``engines`` or ``middleware``.
"""
