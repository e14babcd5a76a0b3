"""200-for-everything: Answers every request, valid or not, with 200 and `{}`."""
import os
import sys

# The shared base lives in ../_lib in the zoo, or in ./_lib in a submission folder made from it.
sys.path[:0] = [os.path.join(os.path.dirname(os.path.abspath(__file__)), d, '_lib') for d in ('.', '..')]
from student_base import HttpError, StudentServer, main  # noqa: E402


class Server(StudentServer):
    def serve_one(self, c):
        c.request_method = c.request_version = None
        # BUG: no routing, no store, no errors: whatever arrives gets "200 {}".
        try:
            req = self.read_request(c)
        except HttpError:
            self.send_response(c, c.request_method, 200, {}, b'{}', False)
            return False
        if req is None:
            return False
        keep = self.should_keep_alive(req)
        self.send_response(c, req.method, 200, {}, b'{}', keep)
        return keep


if __name__ == '__main__':
    main(Server)
