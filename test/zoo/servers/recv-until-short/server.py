"""recv-until-short: Reads a request with recv(1024) until a read comes back short, and takes that as the end."""
import os
import sys

# The shared base lives in ../_lib in the zoo, or in ./_lib in a submission folder made from it.
sys.path[:0] = [os.path.join(os.path.dirname(os.path.abspath(__file__)), d, '_lib') for d in ('.', '..')]
from student_base import Request, StudentServer, main  # noqa: E402


class Server(StudentServer):
    def read_request(self, c):
        # BUG: "a short read means the client is done": a request whose pieces arrive apart (or a
        # body the network delivers in bits) is cut at the first read shorter than the buffer.
        data = b''
        while True:
            chunk = c.sock.recv(1024)
            data += chunk
            if len(chunk) < 1024:
                break
        if not data:
            return None
        head, _, body = data.partition(b'\r\n\r\n')
        lines = head.decode('latin-1').split('\r\n')
        parts = lines[0].split(' ')
        c.request_method = parts[0]
        c.request_version = parts[2] if len(parts) == 3 else None
        method, target, version = self.parse_request_line(lines[0])
        req = Request(method, target, version, self.parse_headers(lines[1:]))
        self.check_host(req)
        req.body = body
        return req


if __name__ == '__main__':
    main(Server)
