import ConfChatZMQ
import CZMQ

/// The seed's way of delivering a chat message, measured in the same run as the engine: a
/// fresh REQ socket for every message, connected over tcp loopback to the recipient's REP
/// socket, send, wait for the answer, close (what `scripts/seed-baseline.py` measures with
/// pyzmq; here with the same libzmq the engine uses, so the ratio compares ways, not builds).
/// One thread: the REP side answers between the REQ's send and its receive.
struct SeedWayBench {
    let messages: Int
    let bodySize: Int

    /// Messages a second.
    func run() throws -> Double {
        let context = try ZMQContext()
        let rep = try ZMQSocket(context: context, type: ZMQ_REP)
        let endpoint = try rep.bind("tcp://127.0.0.1:*")
        let body = [UInt8](repeating: 0x78, count: bodySize)
        let start = BenchClock.nanoseconds()
        for _ in 0..<messages {
            let req = try ZMQSocket(context: context, type: ZMQ_REQ)
            try req.connect(endpoint)
            try req.send([body])
            guard let asked = try rep.receive(wait: true), asked.first?.count == bodySize else {
                throw BenchError.internal("the seed's way: the recipient got no message")
            }
            try rep.send([Array("ok".utf8)])
            guard try req.receive(wait: true) != nil else { throw BenchError.internal("the seed's way: no answer") }
            req.close()
        }
        let seconds = BenchClock.seconds(since: start)
        rep.close()
        return seconds > 0 ? Double(messages) / seconds : 0
    }
}
