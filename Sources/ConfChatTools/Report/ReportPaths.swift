/// Where the per-scenario outputs of a run of several scenarios go.
public enum ReportPaths {
    /// One path a scenario for `file` (`--diagram out.svg`): with one scenario, `file` itself;
    /// with several, the scenario's file name without `.scenario` inserted before the
    /// extension, after a `-`: `out.svg` and `scenarios/basics.scenario` give `out-basics.svg`.
    /// A name that repeats (`a/x.scenario`, `b/x.scenario`) gets `-2`, `-3`... in input order:
    /// `out-x.svg`, `out-x-2.svg`.
    public static func perScenario(_ file: String, scenarios: [String]) -> [String] {
        guard scenarios.count > 1 else { return scenarios.map { _ in file } }
        let slash = file.lastIndex(of: "/").map { file.index(after: $0) } ?? file.startIndex
        let name = file[slash...]
        let dot = name.lastIndex(of: ".").flatMap { $0 == name.startIndex ? nil : $0 }
        let head = dot.map { String(file[..<$0]) } ?? file
        let ext = dot.map { String(file[$0...]) } ?? ""
        var taken = Set<String>()
        return scenarios.map { path in
            let stem = self.stem(path)
            var n = 1
            var candidate = "\(head)-\(stem)\(ext)"
            while taken.contains(candidate) {
                n += 1
                candidate = "\(head)-\(stem)-\(n)\(ext)"
            }
            taken.insert(candidate)
            return candidate
        }
    }

    /// One folder a scenario under `dir` (`--data`): `dir` itself for one scenario; else
    /// `dir/STEM`, with `-2`, `-3`... for a name that repeats, as `perScenario` does.
    public static func perScenarioFolders(_ dir: String, scenarios: [String]) -> [String] {
        guard scenarios.count > 1 else { return scenarios.map { _ in dir } }
        let root = dir.hasSuffix("/") ? dir : dir + "/"
        return perScenario(root + "x", scenarios: scenarios).map { root + String($0.dropFirst(root.count + 2)) }
    }

    /// `scenarios/basics.scenario` -> `basics`.
    public static func stem(_ path: String) -> String {
        var base = path.split(separator: "/").last.map(String.init) ?? path
        if base.hasSuffix(".scenario"), base.count > ".scenario".count { base = String(base.dropLast(".scenario".count)) }
        return base
    }
}
