"""correct-threaded: the zoo's base server, unchanged. A thread per connection, a lock around the store."""
import os
import sys

# The shared base lives in ../_lib in the zoo, or in ./_lib in a submission folder made from it.
sys.path[:0] = [os.path.join(os.path.dirname(os.path.abspath(__file__)), d, '_lib') for d in ('.', '..')]
from student_base import main  # noqa: E402

if __name__ == '__main__':
    main()
