"""How audio gets rendered: one batched Engine interface, several runtimes, and the mixer."""
