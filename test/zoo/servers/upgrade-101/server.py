"""upgrade-101: Answers 101 Switching Protocols to any request with an Upgrade header (without naming a
protocol, and on HTTP/1.0 too), then carries on in HTTP/1.1 as if nothing had been switched."""
import os
import sys

# The shared base lives in ../_lib in the zoo, or in ./_lib in a submission folder made from it.
sys.path[:0] = [os.path.join(os.path.dirname(os.path.abspath(__file__)), d, '_lib') for d in ('.', '..')]
from student_base import StudentServer, header_values, main  # noqa: E402


class Server(StudentServer):
    def read_request(self, c):
        req = super().read_request(c)
        if req is not None and header_values(req.headers, 'upgrade'):
            # BUG: "switches" to whatever was asked for, then answers the request in HTTP/1.1 anyway.
            c.sock.sendall(b'HTTP/1.1 101 Switching Protocols\r\n\r\n')
        return req


if __name__ == '__main__':
    main(Server)
