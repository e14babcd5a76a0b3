"""hostile-flood: sends endless bytes, as fast as it can, to every connection (without waiting for
a request): a status line, then a header that never ends."""
import socket
import sys
import threading

CHUNK = b'a' * 65536


def flood(conn):
    try:
        conn.sendall(b'HTTP/1.1 200 OK\r\nX-Flood: ')
        while True:
            conn.sendall(CHUNK)
    except OSError:
        conn.close()


port = int(sys.argv[1])
listener = socket.socket()
listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
listener.bind(('127.0.0.1', port))
listener.listen(128)
while True:
    conn, _ = listener.accept()
    threading.Thread(target=flood, args=(conn,), daemon=True).start()
