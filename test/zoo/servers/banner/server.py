"""banner: Greets every connection with `Welcome to the server!!\r\n` before reading the request."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '_lib'))
from student_base import StudentServer, main  # noqa: E402


class Server(StudentServer):
    def on_connect(self, c):
        # BUG: a friendly greeting, which an HTTP client reads as the start of the response.
        c.sock.sendall(b'Welcome to the server!!\r\n')


if __name__ == '__main__':
    main(Server)
