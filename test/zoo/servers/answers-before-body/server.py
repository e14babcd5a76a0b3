"""answers-before-body: Never reads the body: answers as soon as the headers are in (a POST gets 400, "no body"),
then parses the body as the next request."""
import os
import sys

# The shared base lives in ../_lib in the zoo, or in ./_lib in a submission folder made from it.
sys.path[:0] = [os.path.join(os.path.dirname(os.path.abspath(__file__)), d, '_lib') for d in ('.', '..')]
from student_base import StudentServer, main  # noqa: E402


class Server(StudentServer):
    def read_body(self, c, req):
        # BUG: the body is never read. The request is answered as if it had none, and the body
        # bytes stay in the buffer, to be read as the start of the next request.
        return b''


if __name__ == '__main__':
    main(Server)
