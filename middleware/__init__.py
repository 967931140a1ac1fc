"""The server and its clients: everything between the wire and the engines."""
