/// Where a tensor lies in the model, as mergekit 0.1.5's gradients see it: t = i / (L − 1) for a
/// tensor of layer i (a name containing `layers.i.`) among L layers (t = 1 when L = 1), and t = 0
/// for every tensor outside the layers (mergekit plans an architecture's pre- and post-layer
/// weights, embeddings, final norm and output head, at t = 0). L is one more than the largest
/// layer index among the names (mergekit takes it from the architecture).
struct LayerPosition {
    private let layerCount: Int

    /// Whether some tensor name has a layer index (else every tensor lies at t = 0).
    var hasLayers: Bool { layerCount > 0 }

    init(tensorNames: [String]) {
        // A name's index may be as large as Int.max: the count saturates rather than overflow.
        let largest = tensorNames.compactMap(Self.layerIndex).max() ?? -1
        layerCount = largest == .max ? .max : largest + 1
    }

    /// The layer index in `name`: the digits after the first `layers.` followed by a dot.
    static func layerIndex(of name: String) -> Int? {
        var rest = Substring(name)
        while let range = rest.range(of: "layers.") {
            let digits = rest[range.upperBound...].prefix(while: \.isASCII).prefix(while: \.isNumber)
            let after = rest[range.upperBound...].dropFirst(digits.count)
            if !digits.isEmpty, after.first == ".", let index = Int(digits) { return index }
            rest = rest[range.upperBound...]
        }
        return nil
    }

    /// The position t ∈ [0, 1] of tensor `name`.
    func t(forTensor name: String) -> Double {
        guard let index = Self.layerIndex(of: name) else { return 0 }
        return layerCount > 1 ? Double(index) / Double(layerCount - 1) : 1
    }
}
