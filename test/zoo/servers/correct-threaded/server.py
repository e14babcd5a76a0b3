"""correct-threaded: the zoo's base server, unchanged. A thread per connection, a lock around the store."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '_lib'))
from student_base import main  # noqa: E402

if __name__ == '__main__':
    main()
