"""closes-unannounced: Closes the connection after every response without saying so (no `Connection: close`)."""
import os
import sys

# The shared base lives in ../_lib in the zoo, or in ./_lib in a submission folder made from it.
sys.path[:0] = [os.path.join(os.path.dirname(os.path.abspath(__file__)), d, '_lib') for d in ('.', '..')]
from student_base import StudentServer, main  # noqa: E402


class Server(StudentServer):
    def should_keep_alive(self, req):
        return False  # one request per connection: a choice the RFC allows, when it is announced

    def send_response(self, c, method, status, headers, body, keep):
        # BUG: the response never carries `Connection: close`, though the connection closes after it
        # (RFC 9112 §9.3: a server that does not keep connections MUST send "close" in every response).
        data = self.format_response(c.request_version, status, dict(headers), body, self.response_has_body(method, status))
        c.sock.settimeout(self.SEND_TIMEOUT)
        c.sock.sendall(data)


if __name__ == '__main__':
    main(Server)
