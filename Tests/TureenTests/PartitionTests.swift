import Foundation
import Tureen
import TureenTestSupport
import XCTest

/// `--partition i/n` and `auto`: parsing, the schedulers' environment variables, the round-robin
/// assignment, and a partitioned conversion joined by `PartitionIndexJob`.
final class PartitionTests: XCTestCase {
    func testPartitionParsesTaskOfCount() throws {
        let partition = try Partition(parsing: "2/8")
        XCTAssertEqual(partition, try Partition(index: 2, count: 8))
        XCTAssertEqual("\(partition)", "task 2 of 8")
        XCTAssertThrowsError(try Partition(parsing: "3")) { XCTAssertEqual($0 as? PartitionError, .badSpecification("3")) }
        XCTAssertThrowsError(try Partition(parsing: "8/8")) { XCTAssertEqual($0 as? PartitionError, .taskOutOfRange(index: 8, count: 8)) }
        XCTAssertThrowsError(try Partition(parsing: "0/0")) { XCTAssertEqual($0 as? PartitionError, .taskOutOfRange(index: 0, count: 0)) }
        XCTAssertThrowsError(try Partition(parsing: "-1/4"))
    }

    func testShardKGoesToTaskKModuloN() throws {
        let task = try Partition(index: 1, count: 3)
        XCTAssertEqual((0..<10).filter(task.owns(shard:)), [1, 4, 7])
    }

    func testSlurmArrayFromZero() throws {
        let partition = try Partition.fromEnvironment(["SLURM_ARRAY_TASK_ID": "3", "SLURM_ARRAY_TASK_COUNT": "8", "SLURM_ARRAY_TASK_MIN": "0"])
        XCTAssertEqual(partition, try Partition(index: 3, count: 8))
    }

    func testSlurmArrayFromOneAndWithAStepCountsFromItsMinimum() throws {
        XCTAssertEqual(try Partition.fromEnvironment(["SLURM_ARRAY_TASK_ID": "1", "SLURM_ARRAY_TASK_COUNT": "8", "SLURM_ARRAY_TASK_MIN": "1"]),
                       try Partition(index: 0, count: 8))
        let stepped = ["SLURM_ARRAY_TASK_ID": "14", "SLURM_ARRAY_TASK_COUNT": "8", "SLURM_ARRAY_TASK_MIN": "0", "SLURM_ARRAY_TASK_STEP": "2"]
        XCTAssertEqual(try Partition.fromEnvironment(stepped), try Partition(index: 7, count: 8))
        var off = stepped
        off["SLURM_ARRAY_TASK_ID"] = "3"
        XCTAssertThrowsError(try Partition.fromEnvironment(off)) { XCTAssertEqual($0 as? PartitionError, .arrayNotARange(taskID: 3, minimum: 0, step: 2)) }
    }

    func testSlurmVariablesMustBeCompleteNumbersAndAgreeWithAGivenCount() {
        XCTAssertThrowsError(try Partition.fromEnvironment(["SLURM_ARRAY_TASK_ID": "3"])) {
            XCTAssertEqual($0 as? PartitionError, .missingVariable("SLURM_ARRAY_TASK_COUNT"))
        }
        XCTAssertThrowsError(try Partition.fromEnvironment(["SLURM_ARRAY_TASK_ID": "x", "SLURM_ARRAY_TASK_COUNT": "8"])) {
            XCTAssertEqual($0 as? PartitionError, .badVariable(name: "SLURM_ARRAY_TASK_ID", value: "x"))
        }
        XCTAssertThrowsError(try Partition.fromEnvironment(["SLURM_ARRAY_TASK_ID": "3", "SLURM_ARRAY_TASK_COUNT": "8"], count: 4)) {
            XCTAssertEqual($0 as? PartitionError, .countDisagrees(variable: "SLURM_ARRAY_TASK_COUNT", scheduled: 8, given: 4))
        }
    }

    func testKubernetesCompletionIndexNeedsTheCount() throws {
        XCTAssertEqual(try Partition.fromEnvironment(["JOB_COMPLETION_INDEX": "5"], count: 8), try Partition(index: 5, count: 8))
        XCTAssertThrowsError(try Partition.fromEnvironment(["JOB_COMPLETION_INDEX": "5"])) { XCTAssertEqual($0 as? PartitionError, .countNotGiven) }
        XCTAssertThrowsError(try Partition.fromEnvironment(["JOB_COMPLETION_INDEX": "8"], count: 8)) {
            XCTAssertEqual($0 as? PartitionError, .taskOutOfRange(index: 8, count: 8))
        }
    }

    func testNoSchedulerIsAClearError() {
        XCTAssertThrowsError(try Partition.fromEnvironment(["HOME": "/root"], count: 4)) {
            XCTAssertEqual($0 as? PartitionError, .noSchedulerEnvironment)
            XCTAssertTrue("\($0)".contains("SLURM_ARRAY_TASK_ID") && "\($0)".contains("JOB_COMPLETION_INDEX"))
        }
    }

    func testPartitionedConversionJoinedByTheIndexEqualsTheUnpartitionedOne() throws {
        let scratch = try makeScratchFolder()
        let input = Fixtures.path("safetensors/all_dtypes.safetensors")
        var whole = Conversion(input: input, output: scratch.path + "/whole")
        whole.writeOptions.maxShardSize = 64
        try whole.run()
        func convert(task index: Int) throws {
            var share = Conversion(input: input, output: scratch.path + "/parts")
            share.writeOptions.maxShardSize = 64
            share.partition = try Partition(index: index, count: 2)
            XCTAssertEqual(try share.runReporting().partition?.written.isEmpty, false)
        }
        try convert(task: 1)
        XCTAssertThrowsError(try PartitionIndexJob(folder: scratch.path + "/parts").run()) {
            XCTAssertTrue("\($0)".contains("task 0 left no manifest"), "\($0)")
        }
        try convert(task: 0)
        let report = try PartitionIndexJob(folder: scratch.path + "/parts").run()
        XCTAssertEqual(report.taskCount, 2)
        for name in try FileManager.default.contentsOfDirectory(atPath: scratch.path + "/whole") {
            XCTAssertEqual(FileManager.default.contents(atPath: scratch.path + "/whole/" + name), FileManager.default.contents(atPath: scratch.path + "/parts/" + name), name)
        }
    }
}
