import Foundation
import Tureen

/// What `tureen convert` reports: what was read, what was written, and how long it took.
struct ConversionOutcome: CommandOutcome {
    let input: String
    let inputFormat: String
    let output: String
    let tensors: Int
    let parameters: Int
    /// The tensors' bytes in the output (after the cast).
    let outputBytes: Int
    /// The dtype floating-point tensors were cast to; absent without `--dtype`.
    let castTo: String?
    /// Names of values that are not tensors and were left out (PyTorch's epoch, hyperparameters).
    let leftOutNonTensorValues: [String]
    /// What a partitioned task wrote; absent without `--partition`.
    let partition: PartitionSummary?
    let seconds: Double

    /// `writtenTensors` are the indices of the tensors this run wrote (a partitioned task's share).
    init(store: TensorStore, writtenTensors: [Int], output: String, castTo: DType?, partition: PartitionReport?, seconds: Double) throws {
        let converted = try StoreProducer(store: store, castTo: castTo).tensors
        let written = writtenTensors.map { converted[$0] }
        input = store.location
        inputFormat = store.formatName.rawValue
        self.output = output
        tensors = written.count
        parameters = written.reduce(0) { $0 + $1.elementCount }
        outputBytes = written.reduce(0) { $0 + $1.byteCount }
        self.castTo = castTo?.defaultValueDescription
        leftOutNonTensorValues = store.nonTensorValues.map(\.name)
        self.partition = partition.map { PartitionSummary($0, output: output) }
        self.seconds = seconds
    }

    var summaryLine: String {
        "converted \(input) (\(inputFormat)) to \(output)\(castTo.map { " as \($0)" } ?? "") in " + String(format: "%.2f", seconds) + "s: "
            + "\(tensors) tensor\(tensors == 1 ? "" : "s"), \(parameters) parameter\(parameters == 1 ? "" : "s"), \(ProgressBar.size(outputBytes))"
    }

    var notes: [String] {
        var lines: [String] = []
        if !leftOutNonTensorValues.isEmpty {
            let names = leftOutNonTensorValues.prefix(5).map { $0.isEmpty ? "(root)" : $0 }.joined(separator: ", ")
            let more = leftOutNonTensorValues.count > 5 ? ", …" : ""
            lines.append("left out \(leftOutNonTensorValues.count) non-tensor values (\(names)\(more)); `tureen inspect` lists them")
        }
        if let partition { lines.append(partition.note) }
        return lines
    }
}
