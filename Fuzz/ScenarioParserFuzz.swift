// libFuzzer target for the scenario parser: any text must parse or give diagnostics with a
// location inside the input, never crash. Build and run: scripts/fuzz.sh scenario [seconds]

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzScenarioParser(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    do {
        _ = try ScenarioLoader.parse(source: text, path: "/nonexistent/fuzz.scenario")
    } catch {
        for d in error.diagnostics {
            precondition(d.location.line >= 0 && d.location.column >= 0, "diagnostic with a negative location")
            _ = d.rendered()
        }
    }
    return 0
}
