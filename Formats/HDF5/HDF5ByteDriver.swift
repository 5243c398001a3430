import CHDF5
#if canImport(Glibc)
import Glibc
#endif

/// The bytes of an HDF5 file that libhdf5 reads and writes through `HDF5ByteDriver` instead of
/// a file of its own: a byte range of an input file (`HDF5FileRegion`, a `.keras` archive's stored
/// `model.weights.h5`) or a layout assembled in memory (`HDF5MemoryImage`). Called under the
/// libhdf5 lock only.
protocol HDF5Bytes: AnyObject {
    /// The file's size: libhdf5's end of file.
    var size: Int { get }
    /// Copies the bytes at `offset` into `buffer`; the caller keeps the range inside `size`.
    func read(at offset: Int, into buffer: UnsafeMutableRawBufferPointer) throws
    /// Stores `bytes` at `offset`, growing the file if needed.
    func write(_ bytes: UnsafeRawBufferPointer, at offset: Int) throws
    /// Sets the file's size to `size` (libhdf5 does when it closes a file it wrote).
    func truncate(to size: Int) throws
}

/// A libhdf5 virtual file driver over `HDF5Bytes`. libhdf5 finds a file's superblock only at
/// offset 0, 512, 1024, 2048, … of a file, so it cannot open the HDF5 file a zip archive stores at
/// any other offset; this driver shows it the member's bytes as a file of their own, read with
/// `pread` like every input. Registered once; each file's bytes travel in its access properties.
enum HDF5ByteDriver {
    /// The driver's identifier, registered on first use (under the libhdf5 lock).
    private static let id: hid_t = {
        var driver = H5FD_class_t()
        driver.name = UnsafePointer(strdup("tureen-bytes"))
        driver.maxaddr = haddr_t(Int64.max)
        driver.fc_degree = H5F_CLOSE_WEAK
        driver.fapl_size = MemoryLayout<UnsafeRawPointer>.size
        driver.open = { _, _, access, _ in
            guard let info = H5Pget_driver_info(access) else { return nil }
            let bytes = info.load(as: UnsafeMutableRawPointer.self)
            _ = Unmanaged<AnyObject>.fromOpaque(bytes).retain()
            let file = UnsafeMutablePointer<tureen_byte_file>.allocate(capacity: 1)
            file.initialize(to: tureen_byte_file(base: H5FD_t(), end_of_address: 0, bytes: bytes))
            return UnsafeMutableRawPointer(file).assumingMemoryBound(to: H5FD_t.self)
        }
        driver.close = { file in
            guard let file else { return -1 }
            let state = UnsafeMutableRawPointer(file).assumingMemoryBound(to: tureen_byte_file.self)
            Unmanaged<AnyObject>.fromOpaque(state.pointee.bytes).release()
            state.deallocate()
            return 0
        }
        driver.query = { _, flags in
            flags?.pointee = tureen_byte_driver_features()
            return 0
        }
        driver.get_eoa = { file, _ in state(of: file).pointee.end_of_address }
        driver.set_eoa = { file, _, address in
            state(of: file).pointee.end_of_address = address
            return 0
        }
        driver.get_eof = { file, _ in haddr_t(bytes(of: file).size) }
        driver.read = { file, _, _, address, size, buffer in
            guard let buffer, let offset = Int(exactly: address) else { return fail(writing: false, "address \(address) is out of range") }
            let bytes = bytes(of: file)
            let available = max(0, min(size, bytes.size - offset))
            do {
                try bytes.read(at: offset, into: UnsafeMutableRawBufferPointer(start: buffer, count: available))
            } catch {
                return fail(writing: false, "\(error)")
            }
            // Past the end reads as zeros, as libhdf5's own drivers do.
            memset(buffer + available, 0, size - available)
            return 0
        }
        driver.write = { file, _, _, address, size, buffer in
            guard let buffer, let offset = Int(exactly: address) else { return fail(writing: true, "address \(address) is out of range") }
            do {
                try bytes(of: file).write(UnsafeRawBufferPointer(start: buffer, count: size), at: offset)
            } catch {
                return fail(writing: true, "\(error)")
            }
            return 0
        }
        driver.truncate = { file, _, _ in
            do {
                try bytes(of: file).truncate(to: Int(clamping: state(of: file).pointee.end_of_address))
            } catch {
                return fail(writing: true, "\(error)")
            }
            return 0
        }
        let all = H5FD_MEM_DEFAULT
        driver.fl_map = (all, all, all, all, all, all, all)
        return H5FDregister(&driver)
    }()

    /// File access properties that open `bytes` with this driver. Keep `bytes` alive while the
    /// properties are in use; an open file retains it until libhdf5 closes the file.
    ///
    /// - Throws: `HDF5Error.library` if the driver cannot be registered or set; errors name `file`.
    static func accessProperties(for bytes: any HDF5Bytes, file: String) throws -> HDF5Handle {
        try HDF5Library.check(id, "register Tureen's byte driver", file: file, object: "/")
        let access = try HDF5Handle(H5Pcreate(tureen_H5P_FILE_ACCESS()), "create file access properties", file: file, object: "/")
        var pointer = Unmanaged.passUnretained(bytes as AnyObject).toOpaque()
        try HDF5Library.check(H5Pset_driver(access.id, id, &pointer), "set Tureen's byte driver", file: file, object: "/")
        return access
    }

    private static func state(of file: UnsafePointer<H5FD_t>?) -> UnsafeMutablePointer<tureen_byte_file> {
        UnsafeMutableRawPointer(mutating: file!).assumingMemoryBound(to: tureen_byte_file.self)
    }

    private static func bytes(of file: UnsafePointer<H5FD_t>?) -> any HDF5Bytes {
        // The driver's files are made by `open` above from `accessProperties`, which stores an `HDF5Bytes`.
        Unmanaged<AnyObject>.fromOpaque(state(of: file).pointee.bytes).takeUnretainedValue() as! any HDF5Bytes
    }

    private static func fail(writing: Bool, _ message: String) -> herr_t {
        tureen_push_driver_error(writing ? 1 : 0, message)
        return -1
    }
}
