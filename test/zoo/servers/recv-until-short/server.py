"""recv-until-short: Reads a request with recv(1024) until a read comes back short, and takes that as the end."""
import os
import sys

# The shared base lives in ../_lib in the zoo, or in ./_lib in a submission folder made from it.
sys.path[:0] = [os.path.join(os.path.dirname(os.path.abspath(__file__)), d, '_lib') for d in ('.', '..')]
from student_base import StudentServer, main  # noqa: E402


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
        return self.request_from_bytes(c, data)


if __name__ == '__main__':
    main(Server)
