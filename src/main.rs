fn main() {
    println!("deid: CLI being written");
}
