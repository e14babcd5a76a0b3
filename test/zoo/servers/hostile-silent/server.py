"""hostile-silent: accepts connections and never answers or closes them."""
import socket
import sys

port = int(sys.argv[1])
listener = socket.socket()
listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
listener.bind(('127.0.0.1', port))
listener.listen(128)
clients = []  # kept so they are never closed
while True:
    conn, _ = listener.accept()
    clients.append(conn)
