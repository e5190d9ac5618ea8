"""Files and raw bytes, in NumPy's formats byte for byte (either library
reads what the other wrote): .npy/.npz (_npy.py), text (_text.py), raw
binary and buffers (_raw.py). Every function goes through the host: NumPy
reads or writes the bytes, and the data crosses to or from the device once."""
