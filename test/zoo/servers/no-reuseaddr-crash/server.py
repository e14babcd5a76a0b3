"""no-reuseaddr-crash: Binds without SO_REUSEADDR, closes every connection first, and dies on a method with a non-ASCII byte."""
import os
import socket
import sys
import traceback

# The shared base lives in ../_lib in the zoo, or in ./_lib in a submission folder made from it.
sys.path[:0] = [os.path.join(os.path.dirname(os.path.abspath(__file__)), d, '_lib') for d in ('.', '..')]
from student_base import StudentServer, main  # noqa: E402


class Server(StudentServer):
    def make_listener(self):
        # No SO_REUSEADDR: after a crash, the port cannot be bound while old connections linger.
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.bind((self.host, self.port))
        s.listen(128)
        return s

    def should_keep_alive(self, req):
        return False  # one request per connection, and the server closes first

    def parse_request_line(self, line):
        method = line.split(' ')[0]
        # BUG: the method is decoded as ASCII "because HTTP is ASCII"; the UnicodeEncodeError is not
        # caught anywhere, and the whole server goes down with it.
        try:
            method.encode('ascii')
        except UnicodeEncodeError:
            traceback.print_exc()
            os._exit(1)
        return super().parse_request_line(line)


if __name__ == '__main__':
    main(Server)
