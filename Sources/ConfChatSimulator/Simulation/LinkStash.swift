/// The frames one link (a sender to one receiver's inbox) put on the wire that the receiver
/// read before their turn, found by their place on the link (`SimNetwork.InFlight.index`).
///
/// A ROUTER reads its connections fairly, one frame from each in turn, not in the order they
/// were sent over the whole network; so a receiver with several senders reads ahead, and the
/// simulator keeps what it read until the message's turn comes. On one link frames are read
/// in the order sent, and on a network that keeps send order (no latency) taken in that order
/// too: the frame wanted is the first kept. Under latency a later frame may be taken first;
/// its slot is then emptied and the slots before it stay. So a frame is found by subtracting
/// two numbers, where a table hashed by sender and place cost two hashes of a pair a frame.
struct LinkStash {
    /// `slots[k]` is the frame at place `first + k`, nil once taken (or taken at once, never
    /// kept). Those before `head` are all taken: the front moves by a count, not by shifting
    /// the array, and the array's storage is let go once every slot is taken: a simulation
    /// has a link for every pair of friends, and most stashes are empty most of the time.
    private var slots: [[UInt8]?] = []
    private var first: UInt64 = 0
    private var head: UInt32 = 0

    var isEmpty: Bool { slots.isEmpty }

    /// Keeps the frame at place `index`, which comes after every place kept so far.
    mutating func put(_ frame: [UInt8], at index: UInt64) {
        if slots.isEmpty { first = index }
        precondition(index >= first + UInt64(slots.count), "a link's frames are kept in the order read")
        // Places between (frames taken as they were read) stay empty.
        while first + UInt64(slots.count) < index { slots.append(nil) }
        slots.append(frame)
    }

    /// Takes the frame at place `index` out, nil if none is kept there.
    mutating func take(_ index: UInt64) -> [UInt8]? {
        guard index >= first, index - first < UInt64(slots.count) else { return nil }
        let k = Int(index - first)
        guard k >= Int(head), let frame = slots[k].take() else { return nil }
        if k == Int(head) {
            var h = k + 1
            while h < slots.count, slots[h] == nil { h += 1 }
            if h == slots.count {
                slots = []
                head = 0
            } else {
                head = UInt32(h)
            }
        }
        return frame
    }
}
