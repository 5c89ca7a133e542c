//! Prints each preopen's descriptor and name (fd_prestat_get/_dir_name).
fn main() {
    for (fd, name) in guests::preopens() {
        println!("{fd} {name}");
    }
}
