import CHDF5

/// Names and orders the datasets of Keras files. A Keras 2 legacy `.h5` (a full model's
/// `model_weights/<layer>/…`, or `save_weights` output with the layers at the root) lists its
/// layers in `layer_names` and each layer's weights in `weight_names`: those weights come first,
/// in that order, named after the weight (`dense/kernel:0` → `dense.kernel`). Everything else
/// (optimizer state, any h5py file, Keras 3 `.weights.h5` whose `layers/<name>/vars/<i>` paths
/// are already readable) keeps the walk's order and the path-joined name.
enum KerasLayout {
    /// The tensor name and path components of every dataset in `datasets` (walk order), reordered
    /// for a Keras 2 file.
    ///
    /// - Throws: `HDF5Error.library` if the Keras attributes cannot be read.
    static func name(_ datasets: [[String]], fileID: hid_t, file: String) throws -> [(name: String, components: [String])] {
        let plain = datasets.map { (name: HDF5Names.tensorName(forPath: $0), components: $0) }
        guard let weights = try keras2Weights(fileID: fileID, file: file) else { return plain }
        let present = Set(datasets)
        let listed = weights.filter { present.contains($0.components) }
        let names = listed.map(\.name)
        let listedPaths = Set(listed.map(\.components))
        let rest = plain.filter { !listedPaths.contains($0.components) }
        guard Set(names).count == names.count, Set(names).isDisjoint(with: rest.map(\.name)) else { return plain }
        return listed + rest
    }

    /// The weights a Keras 2 file lists, in its order, or nil if it is not one.
    private static func keras2Weights(fileID: hid_t, file: String) throws -> [(name: String, components: [String])]? {
        let root = try HDF5Handle(H5Gopen2(fileID, "/", tureen_H5P_DEFAULT()), "open the root group", file: file, object: "/")
        var base: [String] = []
        var holder = root
        if H5Lexists(root.id, "model_weights", tureen_H5P_DEFAULT()) > 0 {
            base = ["model_weights"]
            holder = try HDF5Handle(H5Gopen2(root.id, "model_weights", tureen_H5P_DEFAULT()), "open the group", file: file, object: "/model_weights")
        }
        guard let layers = try chunkedStrings(of: holder.id, named: "layer_names", file: file, object: "/" + base.joined(separator: "/")) else { return nil }
        var weights: [(name: String, components: [String])] = []
        for layer in layers where H5Lexists(holder.id, layer, tureen_H5P_DEFAULT()) > 0 {
            let layerPath = "/" + (base + [layer]).joined(separator: "/")
            let group = try HDF5Handle(H5Gopen2(holder.id, layer, tureen_H5P_DEFAULT()), "open the layer group", file: file, object: layerPath)
            for weight in try chunkedStrings(of: group.id, named: "weight_names", file: file, object: layerPath) ?? [] {
                let components = base + [layer] + weight.split(separator: "/").map(String.init)
                weights.append((readableName(weight), components))
            }
        }
        return weights
    }

    /// `dense/kernel:0` → `dense.kernel`.
    static func readableName(_ weightName: String) -> String {
        var name = weightName
        if let colon = name.lastIndex(of: ":"), name[name.index(after: colon)...].allSatisfy(\.isNumber), name.index(after: colon) != name.endIndex {
            name = String(name[..<colon])
        }
        return name.split(separator: "/").joined(separator: ".")
    }

    /// A string list attribute, which Keras splits into `name0`, `name1`, … when it outgrows the
    /// 64 KiB object header limit.
    private static func chunkedStrings(of object: hid_t, named name: String, file: String, object path: String) throws -> [String]? {
        if let whole = try HDF5Attributes.strings(of: object, named: name, file: file, object: path) { return whole }
        var parts: [String] = []
        var index = 0
        while let part = try HDF5Attributes.strings(of: object, named: "\(name)\(index)", file: file, object: path) {
            parts += part
            index += 1
        }
        return index == 0 ? nil : parts
    }
}
