use super::*;

fn component(wat_src: &str) -> Vec<u8> {
    wat::parse_str(wat_src).unwrap()
}

/// A command in miniature: it imports `wasi:cli/stdout`'s `get-stdout`
/// and an output stream's drop, its module uses them, and it exports
/// `wasi:cli/run` through a nested component (as wit-component does).
const COMMAND: &str = r#"
(component
  (import "wasi:io/streams@0.2.3" (instance $streams
    (export "output-stream" (type (sub resource)))))
  (alias export $streams "output-stream" (type $out))
  (import "wasi:cli/stdout@0.2.3" (instance $stdout
    (alias outer 1 $out (type $o))
    (type $own (own $o))
    (export "get-stdout" (func (result $own)))))
  (core module $m
    (import "wasi:cli/stdout@0.2.3" "get-stdout" (func $get (result i32)))
    (import "wasi:io/streams@0.2.3" "[resource-drop]output-stream" (func $drop (param i32)))
    (memory (export "memory") 1)
    (func (export "run") (result i32) (call $drop (call $get)) i32.const 0))
  (alias export $stdout "get-stdout" (func $get-stdout))
  (core func $get (canon lower (func $get-stdout)))
  (core func $drop (canon resource.drop $out))
  (core instance $stdout-core (export "get-stdout" (func $get)))
  (core instance $streams-core (export "[resource-drop]output-stream" (func $drop)))
  (core instance $i (instantiate $m
    (with "wasi:cli/stdout@0.2.3" (instance $stdout-core))
    (with "wasi:io/streams@0.2.3" (instance $streams-core))))
  (alias core export $i "run" (core func $run-core))
  (type $run-type (func (result (result))))
  (func $run (type $run-type) (canon lift (core func $run-core)))
  (component $wrap
    (import "run" (func $f (result (result))))
    (export "run" (func $f)))
  (instance $run-inst (instantiate $wrap (with "run" (func $run))))
  (export "wasi:cli/run@0.2.3" (instance $run-inst)))
"#;

#[test]
fn a_command_plans_its_instance_its_host_functions_and_its_run() {
    let p = plan(&component(COMMAND)).unwrap();
    assert_eq!(p.imports, ["wasi:io/streams@0.2.3", "wasi:cli/stdout@0.2.3"]);
    assert_eq!(p.exports, ["wasi:cli/run@0.2.3"]);
    assert_eq!(p.modules.len(), 1);
    assert_eq!(
        p.resources,
        [Resource { interface: "wasi:io/streams@0.2.3".into(), name: "output-stream".into() }]
    );
    assert_eq!(p.lowered.len(), 1);
    let l = &p.lowered[0];
    assert_eq!((l.interface.as_str(), l.func.as_str()), ("wasi:cli/stdout@0.2.3", "get-stdout"));
    assert_eq!(l.ty, FuncType { params: vec![], result: Some(Type::Own(0)) });
    assert_eq!(p.instances.len(), 1);
    let imports: Vec<_> = p.instances[0].imports.iter().map(|i| (i.name.as_str(), i.item.clone())).collect();
    assert_eq!(
        imports,
        [("get-stdout", CoreItem::Lowered(0)), ("[resource-drop]output-stream", CoreItem::ResourceDrop(0))]
    );
    let run = p.run().expect("a run export");
    assert_eq!(run.func, CoreItem::Export { instance: 0, name: "run".into() });
    assert_eq!(run.ty.result, Some(Type::Result { ok: None, err: None }));
    assert_eq!(p.resource("wasi:io/streams", "output-stream"), Some(0));
}

#[test]
fn a_core_module_is_not_a_component() {
    let e = plan(&wat::parse_str("(module)").unwrap()).unwrap_err();
    assert!(matches!(e, PlanError::Invalid(_)), "{e}");
}

#[test]
fn garbage_and_a_cut_component_are_invalid() {
    assert!(matches!(plan(b"not wasm at all"), Err(PlanError::Invalid(_))));
    let bytes = component(COMMAND);
    assert!(matches!(plan(&bytes[..bytes.len() / 2]), Err(PlanError::Invalid(_))));
}

#[test]
fn a_resource_of_its_own_is_named_as_unsupported() {
    let e = plan(&component(
        r#"(component
            (type $r (resource (rep i32)))
            (core func (canon resource.new $r)))"#,
    ))
    .unwrap_err();
    assert_eq!(e, PlanError::Unsupported("resources of its own (resource.new / resource.rep)".into()));
}

#[test]
fn a_component_without_run_plans_but_has_no_entry_point() {
    let p = plan(&component("(component)")).unwrap();
    assert!(p.run().is_none());
    assert!(p.instances.is_empty());
}
