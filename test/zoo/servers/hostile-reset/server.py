"""hostile-reset: reads the request, then resets the connection (SO_LINGER 0, then close)."""
import socket
import struct
import sys
import threading


def reset(conn):
    try:
        data = b''
        while b'\r\n\r\n' not in data and b'\n\n' not in data:
            chunk = conn.recv(65536)
            if not chunk:
                break
            data += chunk
        conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack('ii', 1, 0))
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
    threading.Thread(target=reset, args=(conn,), daemon=True).start()
