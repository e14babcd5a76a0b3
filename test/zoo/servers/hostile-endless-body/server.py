"""hostile-endless-body: reads a request head, then answers every connection with a complete, valid
response head that gives no length (no Content-Length, no Transfer-Encoding: the body ends when the
connection closes), and then sends body bytes as fast as it can, forever, without ever closing."""
import socket
import sys
import threading

HEAD = b'HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\n'
CHUNK = b'b' * 65536


def serve(conn):
    try:
        conn.settimeout(5)
        data = b''
        while b'\r\n\r\n' not in data and len(data) < 65536:
            got = conn.recv(4096)
            if not got:
                break
            data += got
        conn.settimeout(None)
        conn.sendall(HEAD)
        while True:
            conn.sendall(CHUNK)
    except OSError:
        pass
    finally:
        conn.close()


port = int(sys.argv[1])
listener = socket.socket()
listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
listener.bind(('127.0.0.1', port))
listener.listen(128)
while True:
    conn, _ = listener.accept()
    threading.Thread(target=serve, args=(conn,), daemon=True).start()
