"""banner: Greets every connection with `Welcome to the server!!\r\n` before reading the request."""
import os
import sys

# The shared base lives in ../_lib in the zoo, or in ./_lib in a submission folder made from it.
sys.path[:0] = [os.path.join(os.path.dirname(os.path.abspath(__file__)), d, '_lib') for d in ('.', '..')]
from student_base import StudentServer, main  # noqa: E402


class Server(StudentServer):
    def on_connect(self, c):
        # BUG: a friendly greeting, which an HTTP client reads as the start of the response.
        c.sock.sendall(b'Welcome to the server!!\r\n')


if __name__ == '__main__':
    main(Server)
