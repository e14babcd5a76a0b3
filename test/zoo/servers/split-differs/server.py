"""split-differs: Answers 400 to any request that took more than one recv() to arrive."""
import os
import sys

# The shared base lives in ../_lib in the zoo, or in ./_lib in a submission folder made from it.
sys.path[:0] = [os.path.join(os.path.dirname(os.path.abspath(__file__)), d, '_lib') for d in ('.', '..')]
from student_base import HttpError, StudentServer, main  # noqa: E402


class Server(StudentServer):
    def read_request(self, c):
        recvs_before = c.recvs
        req = super().read_request(c)
        # BUG: "a request that needed a second recv() was broken in transit".
        if req is not None and c.recvs - recvs_before > 1:
            raise HttpError(400, 'incomplete request', close=True)
        return req


if __name__ == '__main__':
    main(Server)
