from .receiver import Receiver as Receiver
from .sender import Sender as Sender
