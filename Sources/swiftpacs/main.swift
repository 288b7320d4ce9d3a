import DICOM
print("swiftpacs")
