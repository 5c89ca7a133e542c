//! The examples gallery and the tutorial that walks through it. The
//! programs are built from `playground/examples` (and `examples-threads`,
//! `examples-wasip2`) into `examples/*.wasm`.

use crate::model::{EnvVar, FileEntry, Preopen, RunConfig};

/// A bundled example program and the setup it is shown with.
#[derive(Clone, Debug)]
pub struct Example {
    /// File name without `.wasm`; also its id in shared links.
    pub name: &'static str,
    pub title: &'static str,
    pub blurb: &'static str,
}

/// The gallery, in display order.
pub const EXAMPLES: &[Example] = &[
    Example { name: "hello", title: "Hello", blurb: "Arguments, environment, preopens." },
    Example { name: "grep", title: "grep", blurb: "Search files in a directory." },
    Example { name: "tree", title: "tree", blurb: "Walk a directory, write a summary file." },
    Example { name: "wordcount", title: "Word count", blurb: "Read stdin." },
    Example { name: "progress", title: "Progress", blurb: "Sleep and stream output." },
    Example { name: "fail", title: "Failing tool", blurb: "Errors and exit codes." },
    Example { name: "capabilities", title: "Capabilities", blurb: "Only what it was given." },
    Example { name: "spin", title: "Infinite loop", blurb: "Try Stop." },
    Example { name: "parallel", title: "Threads", blurb: "Hash files on a pool of workers." },
    Example {
        name: "component",
        title: "Component",
        blurb: "A wasm32-wasip2 component reads and writes files.",
    },
];

fn data(files: &[(&str, &str)]) -> Preopen {
    Preopen::new("/data", files.iter().map(|(p, t)| FileEntry::text(p, t)).collect())
}

const POEM: &str = "The quick brown fox\njumps over the lazy dog.\nThe dog sleeps on.\n";

/// The setup an example starts with.
pub fn default_config(name: &str) -> RunConfig {
    let mut c = RunConfig { example: Some(name.to_string()), ..Default::default() };
    match name {
        "hello" => {
            c.args = "Ada Grace".into();
            c.env = vec![EnvVar::new("GREETING", "hi")];
            c.preopens = vec![data(&[("notes.txt", "a note\n")])];
        }
        "grep" => {
            c.args = "dog /data/poem.txt /data/notes/todo.md".into();
            c.preopens =
                vec![data(&[("poem.txt", POEM), ("notes/todo.md", "- walk the dog\n- buy bread\n")])];
        }
        "tree" => {
            c.args = "/data".into();
            c.preopens =
                vec![data(&[("poem.txt", POEM), ("src/main.rs", "fn main() {}\n"), ("src/lib/util.rs", "")])];
        }
        "wordcount" => c.stdin = format!("{POEM}{POEM}"),
        "progress" => c.args = "8".into(),
        "fail" => c.env = vec![EnvVar::new("LIMIT", "lots")],
        "capabilities" => c.preopens = vec![data(&[("notes.txt", "you can read me\n")])],
        "component" => {
            c.args = "report".into();
            c.preopens = vec![data(&[("poem.txt", POEM), ("notes.txt", "a note\n")])];
        }
        "parallel" => {
            c.args = "/data 4".into();
            let files: Vec<(String, String)> =
                (1..=8).map(|i| (format!("part{i}.txt"), POEM.repeat(200 * i))).collect();
            c.preopens =
                vec![Preopen::new("/data", files.iter().map(|(p, t)| FileEntry::text(p, t)).collect())];
        }
        _ => {}
    }
    c
}

/// One step of the tutorial.
#[derive(Clone, Debug)]
pub struct Step {
    pub title: &'static str,
    pub text: &'static str,
    /// Loads this example with this change to its default setup.
    pub example: &'static str,
    pub adjust: fn(&mut RunConfig),
}

/// The tutorial: what WASI gives a program, one idea at a time.
pub const STEPS: &[Step] = &[
    Step {
        title: "1. A program and its world",
        text: "A WASI program sees only what it is given: its arguments, environment variables, stdin, \
               and the directories you preopen. Run hello, then change the arguments and run again.",
        example: "hello",
        adjust: |_| {},
    },
    Step {
        title: "2. Capabilities: why --dir matters",
        text: "Files are reachable only through preopened directories. This program tries /etc/passwd, \
               a path that climbs out with .., and a file you did not give it: each is refused. Only \
               /data/notes.txt can be read.",
        example: "capabilities",
        adjust: |_| {},
    },
    Step {
        title: "3. Reading a file you did not preopen",
        text: "Here /data is not preopened at all, so even the note is out of reach. Add a directory \
               /data with a file notes.txt under Preopens and run again.",
        example: "capabilities",
        adjust: |c| c.preopens.clear(),
    },
    Step {
        title: "4. Read-only directories",
        text: "tree writes a summary into the directory it lists. Mark /data read-only and the write \
               is refused (EPERM), while listing still works.",
        example: "tree",
        adjust: |c| {
            if let Some(p) = c.preopens.first_mut() {
                p.readonly = true;
            }
        },
    },
    Step {
        title: "5. Exit codes and stderr",
        text: "Tools report failure with a non-zero exit code and a message on stderr. Set LIMIT to a \
               number under 100 to make this one succeed.",
        example: "fail",
        adjust: |_| {},
    },
    Step {
        title: "6. Interactive input",
        text: "With interactive stdin the program waits for you: type a few lines under the output, \
               pressing Enter after each, then End input. The page stays responsive while it waits.",
        example: "wordcount",
        adjust: |c| {
            c.stdin.clear();
            c.interactive = true;
        },
    },
    Step {
        title: "7. Time and streaming",
        text: "progress sleeps between steps (poll_oneoff). The page stays responsive and the output \
               arrives as it is written. An endless program can always be stopped: try the infinite loop.",
        example: "progress",
        adjust: |_| {},
    },
    Step {
        title: "8. Threads",
        text: "A program built for wasm32-wasip1-threads runs each thread in a worker of its own, all on \
               one filesystem. This one hashes the files in /data on a pool of workers and says which \
               worker hashed each; change the thread count (the second argument) and run again.",
        example: "parallel",
        adjust: |_| {},
    },
];

/// The setup a tutorial step loads.
pub fn step_config(step: &Step) -> RunConfig {
    let mut c = default_config(step.example);
    (step.adjust)(&mut c);
    c
}
