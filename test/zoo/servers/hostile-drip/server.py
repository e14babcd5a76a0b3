"""hostile-drip: sends a valid-looking response one byte per second, and never finishes it."""
import socket
import sys
import threading
import time

RESPONSE = b'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000000\r\n\r\n{"a":"'


def drip(conn):
    try:
        conn.recv(65536)
        for byte in RESPONSE:
            conn.sendall(bytes([byte]))
            time.sleep(1)
        while True:  # the body never reaches its Content-Length
            conn.sendall(b'x')
            time.sleep(1)
    except OSError:
        conn.close()


port = int(sys.argv[1])
listener = socket.socket()
listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
listener.bind(('127.0.0.1', port))
listener.listen(128)
while True:
    conn, _ = listener.accept()
    threading.Thread(target=drip, args=(conn,), daemon=True).start()
