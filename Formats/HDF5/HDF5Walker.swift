import CHDF5

/// Finds every dataset in an open HDF5 file by walking its groups from the root, refusing links
/// that lead out of the file. A dataset is listed at every hard link to it (as h5py shows it); a
/// group is entered once, so hard-link cycles end. Soft links inside the file are checked and
/// skipped (their targets are listed under their own paths).
///
/// Within a group, children come in creation order when the group records it (Tureen's output),
/// otherwise in the order of their object headers in the file, which is the order a writer such as
/// h5py or Keras created them in; names break ties.
struct HDF5Walker {
    private struct Link {
        let name: String
        let type: H5L_type_t
        let valueSize: Int
    }

    private struct Child {
        let name: String
        let address: haddr_t
        let type: H5O_type_t
    }

    /// The deepest group nesting read. Real checkpoints nest a handful of levels; a corrupt or hostile
    /// file nesting thousands would make the walk's memory grow with the square of the depth.
    static let maximumDepth = 256

    let fileID: hid_t
    let file: String
    private var visited: Set<haddr_t> = []
    private var found: [[String]] = []

    /// A walker over the open file `fileID`, read from `file` (for messages).
    init(fileID: hid_t, file: String) {
        self.fileID = fileID
        self.file = file
    }

    /// The path components of every dataset, depth first.
    ///
    /// - Throws: `HDF5Error.externalLink`, `.softLinkLeavesFile`, `.groupsTooDeep`, or `.library`.
    static func datasets(inFile fileID: hid_t, file: String) throws -> [[String]] {
        var walker = HDF5Walker(fileID: fileID, file: file)
        let root = try HDF5Handle(H5Gopen2(fileID, "/", tureen_H5P_DEFAULT()), "open the root group", file: file, object: "/")
        var info = H5O_info_t()
        try HDF5Library.check(H5Oget_info2(root.id, &info, UInt32(H5O_INFO_BASIC)), "describe the root group", file: file, object: "/")
        walker.visited.insert(info.addr)
        try walker.walk(root.id, at: [])
        return walker.found
    }

    private mutating func walk(_ group: hid_t, at components: [String]) throws {
        let groupPath = "/" + components.joined(separator: "/")
        var children: [Child] = []
        for link in try links(of: group, path: groupPath) {
            let objectPath = "/" + (components + [link.name]).joined(separator: "/")
            switch link.type {
            case H5L_TYPE_HARD:
                var info = H5O_info_t()
                try HDF5Library.check(H5Oget_info_by_name2(group, link.name, &info, UInt32(H5O_INFO_BASIC), tureen_H5P_DEFAULT()),
                                      "describe the object", file: file, object: objectPath)
                children.append(Child(name: link.name, address: info.addr, type: info.type))
            case H5L_TYPE_SOFT:
                try checkSoftLink(link, in: group, objectPath: objectPath)
            case H5L_TYPE_EXTERNAL:
                throw HDF5Error.externalLink(path: file, object: objectPath, target: try externalTarget(link, in: group, objectPath: objectPath))
            default:
                throw HDF5Error.externalLink(path: file, object: objectPath, target: "a user-defined link")
            }
        }
        for child in children {
            let childComponents = components + [child.name]
            switch child.type {
            case H5O_TYPE_GROUP where visited.insert(child.address).inserted:
                let objectPath = "/" + childComponents.joined(separator: "/")
                guard childComponents.count <= HDF5Walker.maximumDepth else {
                    throw HDF5Error.groupsTooDeep(path: file, object: objectPath, limit: HDF5Walker.maximumDepth)
                }
                let opened = try HDF5Handle(H5Gopen2(group, child.name, tureen_H5P_DEFAULT()), "open the group", file: file, object: objectPath)
                try walk(opened.id, at: childComponents)
            case H5O_TYPE_DATASET:
                found.append(childComponents)
            default:
                continue
            }
        }
    }

    /// The group's links in creation order if it tracks one, else sorted by object address then name.
    private func links(of group: hid_t, path: String) throws -> [Link] {
        let byCreation = try tracksCreationOrder(group, path: path)
        var links: [Link] = []
        var index: hsize_t = 0
        _ = try withUnsafeMutablePointer(to: &links) { pointer in
            try HDF5Library.check(H5Literate(group, byCreation ? H5_INDEX_CRT_ORDER : H5_INDEX_NAME, H5_ITER_INC, &index, { _, name, info, context in
                guard let name, let info, let context else { return -1 }
                let link = Link(name: String(cString: name), type: info.pointee.type, valueSize: info.pointee.u.val_size)
                context.assumingMemoryBound(to: [Link].self).pointee.append(link)
                return 0
            }, pointer), "list the group's members", file: file, object: path)
        }
        guard !byCreation else { return links }
        var addresses: [String: haddr_t] = [:]
        for link in links where link.type == H5L_TYPE_HARD {
            var info = H5O_info_t()
            if H5Oget_info_by_name2(group, link.name, &info, UInt32(H5O_INFO_BASIC), tureen_H5P_DEFAULT()) >= 0 { addresses[link.name] = info.addr }
        }
        return links.sorted { (addresses[$0.name] ?? 0, $0.name) < (addresses[$1.name] ?? 0, $1.name) }
    }

    private func tracksCreationOrder(_ group: hid_t, path: String) throws -> Bool {
        let properties = try HDF5Handle(H5Gget_create_plist(group), "read the group's properties", file: file, object: path)
        var flags: UInt32 = 0
        try HDF5Library.check(H5Pget_link_creation_order(properties.id, &flags), "read the group's link order", file: file, object: path)
        return flags & UInt32(H5P_CRT_ORDER_INDEXED) != 0
    }

    private func linkValue(_ link: Link, in group: hid_t, objectPath: String) throws -> [UInt8] {
        var value = [UInt8](repeating: 0, count: max(link.valueSize, 1))
        try HDF5Library.check(H5Lget_val(group, link.name, &value, value.count, tureen_H5P_DEFAULT()), "read the link", file: file, object: objectPath)
        return value
    }

    private func checkSoftLink(_ link: Link, in group: hid_t, objectPath: String) throws {
        let target = String(decoding: try linkValue(link, in: group, objectPath: objectPath).prefix { $0 != 0 }, as: UTF8.self)
        let access = try HDF5Handle(H5Pcreate(tureen_H5P_LINK_ACCESS()), "create link access properties", file: file, object: objectPath)
        try HDF5Library.check(H5Pset_elink_cb(access.id, { _, _, _, _, _, _, _ in -1 }, nil), "refuse external links", file: file, object: objectPath)
        var info = H5O_info_t()
        guard H5Oget_info_by_name2(group, link.name, &info, UInt32(H5O_INFO_BASIC), access.id) >= 0 else {
            H5Eclear2(tureen_H5E_DEFAULT())
            throw HDF5Error.softLinkLeavesFile(path: file, object: objectPath, target: target)
        }
    }

    private func externalTarget(_ link: Link, in group: hid_t, objectPath: String) throws -> String {
        var value = try linkValue(link, in: group, objectPath: objectPath)
        return value.withUnsafeMutableBytes { bytes in
            var flags: UInt32 = 0
            var fileName: UnsafePointer<CChar>?
            var objectName: UnsafePointer<CChar>?
            guard H5Lunpack_elink_val(bytes.baseAddress, bytes.count, &flags, &fileName, &objectName) >= 0, let fileName, let objectName else {
                return "another file"
            }
            return "\(String(cString: fileName)):\(String(cString: objectName))"
        }
    }
}
