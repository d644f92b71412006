//! Path naming, matchers, aliases, file discovery and the disposition rules.
use std::fs;
use std::os::unix::fs::symlink;
use std::path::PathBuf;

use ferrocov_files::path::{normpath, realpath, source_exists};
use ferrocov_files::*;

/// A fresh scratch directory, symlink-free so expectations are plain strings.
fn scratch(name: &str) -> String {
    let base = realpath(&std::env::temp_dir().to_string_lossy());
    let dir = PathBuf::from(base).join(format!("ferrocov-files-{name}-{}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap();
    dir.to_string_lossy().into_owned()
}

fn touch(root: &str, rel: &str) -> String {
    let p = PathBuf::from(root).join(rel);
    fs::create_dir_all(p.parent().unwrap()).unwrap();
    fs::write(&p, "x = 1\n").unwrap();
    p.to_string_lossy().into_owned()
}

#[test]
fn normpath_follows_posixpath() {
    assert_eq!(normpath("/a/./b/../c//d/"), "/a/c/d");
    assert_eq!(normpath("//a/b"), "//a/b");
    assert_eq!(normpath("///a/b"), "/a/b");
    assert_eq!(normpath("/../x"), "/x");
    assert_eq!(normpath("../x/../../y"), "../../y");
    assert_eq!(normpath(""), ".");
}

#[test]
fn realpath_resolves_links_and_keeps_missing_parts() {
    let root = scratch("real");
    touch(&root, "real/mod.py");
    symlink(format!("{root}/real"), format!("{root}/link")).unwrap();
    symlink("real/mod.py", format!("{root}/rel_link.py")).unwrap();
    assert_eq!(abs_file(&format!("{root}/link/mod.py")), format!("{root}/real/mod.py"));
    assert_eq!(abs_file(&format!("{root}/rel_link.py")), format!("{root}/real/mod.py"));
    assert_eq!(abs_file(&format!("{root}/link/missing/../x.py")), format!("{root}/real/x.py"));
    assert_eq!(abs_file(&format!("{root}/nope/a/./b.py")), format!("{root}/nope/a/b.py"));
    symlink(format!("{root}/loop_b"), format!("{root}/loop_a")).unwrap();
    symlink(format!("{root}/loop_a"), format!("{root}/loop_b")).unwrap();
    assert_eq!(abs_file(&format!("{root}/loop_a/x.py")), format!("{root}/loop_a/x.py"));
}

#[test]
fn canonical_filename_searches_sys_path_in_order() {
    let root = scratch("canon");
    touch(&root, "first/pkg/m.py");
    touch(&root, "second/pkg/m.py");
    let sys_path = vec![format!("{root}/nothing"), format!("{root}/first"), format!("{root}/second")];
    assert_eq!(canonical_filename("pkg/m.py", &sys_path), format!("{root}/first/pkg/m.py"));
    let cwd = ferrocov_files::path::current_dir();
    assert_eq!(canonical_filename("no/such.py", &sys_path), format!("{cwd}/no/such.py"));
}

#[test]
fn relative_filename_strips_the_start_directory() {
    let root = scratch("rel");
    let rel = RelativeDir::from_dir(&root);
    assert_eq!(rel.as_str(), format!("{root}/"));
    assert_eq!(rel.relative_filename(&format!("{root}/a/b.py")), "a/b.py");
    assert_eq!(rel.relative_filename("/elsewhere/b.py"), "/elsewhere/b.py");
    assert_eq!(RelativeDir::from_dir("/").as_str(), "/");
}

#[test]
fn source_for_file_maps_bytecode_to_source() {
    assert_eq!(source_for_file("a/b.py"), "a/b.py");
    assert_eq!(source_for_file("a/b.pyc"), "a/b.py");
    assert_eq!(source_for_file("a/b.pyo"), "a/b.py");
    assert_eq!(source_for_file("a/b$py.class"), "a/b$py.class");
    assert_eq!(source_for_file("a/b.so"), "a/b.so");
}

#[test]
fn tree_matcher_matches_files_and_subtrees_only() {
    let m = TreeMatcher::new(&["/src/lib", "/src/one.py"]);
    assert!(m.matches("/src/lib"));
    assert!(m.matches("/src/lib/a/b.py"));
    assert!(m.matches("/src/one.py"));
    assert!(!m.matches("/src/library/x.py"));
    assert!(!m.matches("/src/one.pyc"));
    assert!(!m.matches("/src"));
}

#[test]
fn module_matcher_matches_packages_and_submodules() {
    let m = ModuleMatcher::new(&["pkg", "other.sub"]);
    assert!(m.matches("pkg"));
    assert!(m.matches("pkg.a.b"));
    assert!(!m.matches("pkg2"));
    assert!(m.matches("other.sub.x"));
    assert!(!m.matches("other"));
    assert!(!m.matches(""));
}

#[test]
fn prep_patterns_adds_absolute_forms_for_non_wildcards() {
    let cwd = ferrocov_files::path::current_dir();
    assert_eq!(
        prep_patterns(&["*.py", "?x", "src/*"]),
        vec!["*.py".to_string(), "?x".into(), "src/*".into(), format!("{cwd}/src/*")]
    );
}

#[test]
fn glob_matcher_windows_paths_and_many_patterns() {
    let m = GlobMatcher::new(&["*/foo.py"]).unwrap();
    assert!(m.matches("C:\\a\\foo.py"));
    let pats: Vec<String> = (0..500).map(|i| format!("*x{i:03}*.txt")).collect();
    let many = GlobMatcher::new(&pats).unwrap();
    assert!(many.matches("/a/x499b.txt") && many.matches("x000.txt") && !many.matches("x500.txt"));
}

fn mapped(aliases: &mut PathAliases, path: &str) -> String {
    aliases.map(path, &|_| true)
}

#[test]
fn path_aliases_map_prefixes() {
    let rel = RelativeDir::from_dir(&scratch("aliasmap"));
    for relative in [false, true] {
        let mut a = PathAliases::new(relative, rel.clone());
        a.add("/ned/home/*/src", "./mysrc").unwrap();
        let out = mapped(&mut a, "/ned/home/foo/src/a.py");
        let expected = if relative { "./mysrc/a.py".to_string() } else { canonical_filename("./mysrc/a.py", &[]) };
        assert_eq!(out, expected);
        assert_eq!(a.map("/ned/home/foo/src/a.py", &|_| false), "/ned/home/foo/src/a.py");
        assert_eq!(mapped(&mut a, "/home/foo/srcetc"), "/home/foo/srcetc");
    }
    let mut a = PathAliases::new(true, rel.clone());
    a.add("*/project", ".").unwrap();
    assert_eq!(mapped(&mut a, "/ned/home/project/src/a.py"), "src/a.py");
    let mut a = PathAliases::new(true, rel.clone());
    a.add("/home/ned/*/src", r".\mysrc").unwrap();
    assert_eq!(mapped(&mut a, "/home/ned/foo/src/sub/a.py"), r".\mysrc\sub\a.py");
    let mut a = PathAliases::new(false, rel.clone());
    assert_eq!(a.add("/ned/home/*/", "x"), Err(FilesError::AliasEndsWithWildcard));
}

#[test]
fn path_aliases_generate_first_directory_rules_when_relative() {
    let root = scratch("alias");
    let mut a = PathAliases::new(true, RelativeDir::from_dir(&root));
    assert_eq!(mapped(&mut a, "/ci/build/project/mod.py"), "/ci/build/project/mod.py");
    assert_eq!(mapped(&mut a, &format!("{root}/project/mod.py")), "project/mod.py");
    assert!(a.rules().iter().any(|r| r.pattern == "*/project"));
    assert_eq!(mapped(&mut a, "/ci/build/project/mod.py"), "project/mod.py");
}

#[test]
fn source_exists_sees_inside_archives() {
    let root = scratch("zip");
    touch(&root, "code.zip");
    assert!(source_exists(&format!("{root}/code.zip/p1.py")));
    assert!(!source_exists(&format!("{root}/other.zip/p1.py")));
}

#[test]
fn find_python_files_requires_packages_unless_namespaces() {
    let root = scratch("walk");
    for f in [
        "sub/a.py",
        "sub/b.py",
        "sub/x.c",
        "sub/ssub/__init__.py",
        "sub/ssub/s.py",
        "sub/ssub/~s.py",
        "sub/lab/exp.py",
        "sub/windows.pyw",
    ] {
        touch(&root, f);
    }
    let rel = |v: Vec<String>| {
        let mut v: Vec<String> = v.into_iter().map(|p| p[root.len() + 1..].to_string()).collect();
        v.sort();
        v
    };
    let sub = format!("{root}/sub");
    assert_eq!(
        rel(find_python_files(&sub, false)),
        ["sub/a.py", "sub/b.py", "sub/ssub/__init__.py", "sub/ssub/s.py", "sub/windows.pyw"]
    );
    assert_eq!(
        rel(find_python_files(&sub, true)),
        ["sub/a.py", "sub/b.py", "sub/lab/exp.py", "sub/ssub/__init__.py", "sub/ssub/s.py", "sub/windows.pyw"]
    );
}

/// A fake interpreter layout: stdlib with site-packages inside it, a project.
struct Layout {
    root: String,
}

impl Layout {
    fn new(name: &str) -> Self {
        let root = scratch(name);
        for f in [
            "lib/os.py",
            "lib/site-packages/thirdpkg/__init__.py",
            "proj/pkg/__init__.py",
            "proj/pkg/mod.py",
            "proj/pkg/sub/__init__.py",
            "proj/script.py",
            "proj/other/o.py",
            "tool/coverage/control.py",
        ] {
            touch(&root, f);
        }
        Layout { root }
    }
    fn p(&self, rel: &str) -> String {
        format!("{}/{rel}", self.root)
    }
    fn settings(&self) -> InOutSettings {
        InOutSettings {
            stdlib_dirs: vec![self.p("lib")],
            third_party_dirs: vec![self.p("lib/site-packages")],
            cover_dirs: vec![self.p("tool/coverage")],
            module_suffixes: vec![".py".into(), ".pyc".into()],
            sys_path_facts: SysPathFacts {
                sys_path: vec![self.p("proj"), self.p("lib")],
                source_pkg_locations: vec![],
            },
            ..Default::default()
        }
    }
}

fn reason(inout: &InOut, file: &str, module: Option<&str>) -> String {
    let d = inout.should_trace(file, module);
    assert_eq!(d.trace, d.reason.is_empty(), "{:?}", d);
    d.reason
}

#[test]
fn default_settings_skip_stdlib_third_party_and_ourselves() {
    let l = Layout::new("io-default");
    let io = InOut::new(l.settings()).unwrap();
    assert_eq!(reason(&io, &l.p("proj/pkg/mod.py"), None), "");
    assert_eq!(reason(&io, &l.p("lib/os.py"), None), "is in the stdlib");
    assert_eq!(reason(&io, &l.p("lib/site-packages/thirdpkg/__init__.py"), None), "is a third-party module");
    assert_eq!(reason(&io, &l.p("tool/coverage/control.py"), None), "is part of coverage.py");
    assert_eq!(reason(&io, "<string>", None), "original file name is not real");
    assert_eq!(reason(&io, "", None), "empty string isn't a file name");
    assert_eq!(reason(&io, "memory:0x1", None), "memory isn't traceable");
    let d = io.should_trace("pkg/mod.py", None);
    assert_eq!(d.canonical, l.p("proj/pkg/mod.py"), "relative names are found on sys.path");
    let mut s = l.settings();
    s.cover_pylib = true;
    let io = InOut::new(s).unwrap();
    assert_eq!(reason(&io, &l.p("lib/os.py"), None), "");
    assert_eq!(reason(&io, &l.p("lib/site-packages/thirdpkg/__init__.py"), None), "is a third-party module");
}

#[test]
fn source_packages_and_dirs_bound_what_is_measured() {
    let l = Layout::new("io-source");
    let mut s = l.settings();
    s.source = vec!["pkg".into(), l.p("proj/other")];
    s.include = vec!["*".into()];
    s.omit = vec!["*/sub/*".into()];
    let io = InOut::new(s).unwrap();
    assert_eq!(io.source_pkgs(), ["pkg"]);
    assert_eq!(io.source_dirs(), [l.p("proj/other")]);
    assert_eq!(io.conflicting_settings_warnings()[0].slug, "include-ignored");
    assert_eq!(io.unmatched_source_pkgs(), ["pkg"]);
    assert_eq!(reason(&io, &l.p("proj/pkg/mod.py"), Some("pkg.mod")), "");
    assert_eq!(io.unmatched_source_pkgs(), ["pkg"], "only the exact name counts as seen");
    assert_eq!(reason(&io, &l.p("proj/pkg/__init__.py"), Some("pkg")), "");
    assert!(io.unmatched_source_pkgs().is_empty());
    assert_eq!(reason(&io, &l.p("proj/other/o.py"), None), "");
    assert_eq!(reason(&io, &l.p("proj/script.py"), None), "module 'script' falls outside the --source spec");
    assert_eq!(
        reason(&io, &l.p("proj/script.py"), Some("__main__")),
        "module 'script' falls outside the --source spec"
    );
    assert_eq!(reason(&io, &l.p("proj/pkg/sub/__init__.py"), Some("pkg.sub")), "is inside an --omit pattern");
    let unexec = io.find_possibly_unexecuted_files(&[l.p("proj/pkg/__init__.pyc")]);
    let mut names: Vec<&str> = unexec.iter().map(|f| &f[l.root.len() + 1..]).collect();
    names.sort();
    assert_eq!(names, ["proj/other/o.py", "proj/pkg/__init__.py", "proj/pkg/mod.py"]);
}

#[test]
fn source_installed_as_third_party_is_measured() {
    let l = Layout::new("io-third");
    let mut s = l.settings();
    s.source_pkgs = vec!["thirdpkg".into(), "pkg".into()];
    let io = InOut::new(s.clone()).unwrap();
    assert_eq!(
        reason(&io, &l.p("lib/site-packages/thirdpkg/__init__.py"), Some("thirdpkg")),
        "inside --source, but is third-party"
    );
    s.sys_path_facts.source_pkg_locations = vec![PackageLocation {
        package: "thirdpkg".into(),
        file: Some(l.p("lib/site-packages/thirdpkg/__init__.py")),
        search_path: vec![l.p("lib/site-packages/thirdpkg")],
    }];
    let io = InOut::new(s).unwrap();
    assert_eq!(io.source_in_third_paths(), [l.p("lib/site-packages/thirdpkg")]);
    assert_eq!(reason(&io, &l.p("lib/site-packages/thirdpkg/__init__.py"), Some("thirdpkg")), "");
}

#[test]
fn include_bounds_when_no_source() {
    let l = Layout::new("io-include");
    let mut s = l.settings();
    s.include = vec!["*/pkg/*".into()];
    let io = InOut::new(s).unwrap();
    assert!(io.conflicting_settings_warnings().is_empty());
    assert_eq!(reason(&io, &l.p("proj/pkg/mod.py"), None), "");
    assert_eq!(reason(&io, &l.p("proj/script.py"), None), "falls outside the --include trees");
    assert_eq!(reason(&io, &l.p("tool/coverage/control.py"), None), "is part of coverage.py");
}

#[test]
fn frame_file_is_preferred_when_the_base_name_agrees() {
    let l = Layout::new("io-frame");
    let io = InOut::new(l.settings()).unwrap();
    let facts =
        FrameFacts { file: Some(&l.p("proj/pkg/__pycache__/../mod.pyc")), name: Some("pkg.mod"), spec_name: None };
    let d = io.should_trace_frame("/build/elsewhere/mod.py", Some(&facts));
    assert_eq!(d.canonical, l.p("proj/pkg/mod.py"));
    let d = io.should_trace_frame("/build/elsewhere/renamed.py", Some(&facts));
    assert_eq!(d.canonical, "/build/elsewhere/renamed.py");
}

#[test]
fn bad_source_settings_are_config_errors() {
    let l = Layout::new("io-bad");
    let mut s = l.settings();
    s.source_dirs = vec![l.p("proj/script.py")];
    assert_eq!(
        InOut::new(s).unwrap_err().to_string(),
        format!("Source dir is not a directory: '{}'", l.p("proj/script.py"))
    );
    let mut s = l.settings();
    s.source_dirs = vec!["/".into()];
    assert_eq!(InOut::new(s).unwrap_err().to_string(), "Source dir can't be a file system root: '/'");
    let mut s = l.settings();
    s.omit = vec!["a**".into()];
    assert_eq!(InOut::new(s).unwrap_err().to_string(), "File pattern can't include 'a**'");
}

#[test]
fn report_filter_prepares_patterns() {
    let f = ReportFilter::new(&["*/pkg/*"], &["*/sub/*"]).unwrap();
    assert!(f.keep("/x/pkg/a.py"));
    assert!(!f.keep("/x/pkg/sub/a.py"));
    assert!(!f.keep("/x/other/a.py"));
    let none: [&str; 0] = [];
    assert!(ReportFilter::new(&none, &none).unwrap().keep("anything"));
}
