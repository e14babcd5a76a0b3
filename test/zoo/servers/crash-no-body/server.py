"""crash-no-body: Calls json.loads on the body without checking it is there: a POST (or PUT/PATCH) with no
body kills the whole process."""
import json
import os
import sys

# The shared base lives in ../_lib in the zoo, or in ./_lib in a submission folder made from it.
sys.path[:0] = [os.path.join(os.path.dirname(os.path.abspath(__file__)), d, '_lib') for d in ('.', '..')]
from student_base import StudentServer, crash, main  # noqa: E402


class Server(StudentServer):
    def parse_json_body(self, body):
        if not body:
            # BUG: no check for an empty body; json.loads('') raises and nothing catches it.
            try:
                json.loads(body.decode('utf-8'))
            except ValueError:
                crash()
        return super().parse_json_body(body)


if __name__ == '__main__':
    main(Server)
