"""hostile-garbage: answers every request with random binary garbage, then closes."""
import os
import random
import socket
import sys
import threading


def garbage(conn):
    try:
        if conn.recv(65536):
            junk = os.urandom(random.randint(1, 4096))
            if junk.startswith(b'H'):
                junk = b'\x00' + junk  # never look like the start of "HTTP/"
            conn.sendall(junk)
    except OSError:
        pass
    conn.close()


port = int(sys.argv[1])
listener = socket.socket()
listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
listener.bind(('127.0.0.1', port))
listener.listen(128)
while True:
    conn, _ = listener.accept()
    threading.Thread(target=garbage, args=(conn,), daemon=True).start()
