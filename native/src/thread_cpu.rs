//! CPU time of the calling thread, to show whether the generator was the bottleneck: Node 20
//! has no per-thread CPU clock, Bun and Deno neither, and all three load this addon.

use napi_derive::napi;

/// CPU time (user + system) the calling thread has used so far, in µs, from
/// clock_gettime(CLOCK_THREAD_CPUTIME_ID); -1 where that clock is not available.
#[napi]
pub fn thread_cpu_micros() -> f64 {
    thread_cpu_nanos().map_or(-1.0, |nanos| nanos as f64 / 1_000.0)
}

#[cfg(unix)]
fn thread_cpu_nanos() -> Option<u64> {
    #[repr(C)]
    struct Timespec {
        tv_sec: i64,
        tv_nsec: i64,
    }
    extern "C" {
        fn clock_gettime(clock: i32, out: *mut Timespec) -> i32;
    }
    // Linux's CLOCK_THREAD_CPUTIME_ID; macOS numbers it 16.
    #[cfg(target_os = "linux")]
    const CLOCK_THREAD_CPUTIME_ID: i32 = 3;
    #[cfg(not(target_os = "linux"))]
    const CLOCK_THREAD_CPUTIME_ID: i32 = 16;
    let mut now = Timespec { tv_sec: 0, tv_nsec: 0 };
    // SAFETY: clock_gettime writes one timespec (two 64-bit fields on the 64-bit hosts we build for).
    let status = unsafe { clock_gettime(CLOCK_THREAD_CPUTIME_ID, &mut now) };
    (status == 0).then_some(now.tv_sec as u64 * 1_000_000_000 + now.tv_nsec as u64)
}

#[cfg(not(unix))]
fn thread_cpu_nanos() -> Option<u64> {
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grows_with_work_on_this_thread_only() {
        let before = thread_cpu_micros();
        assert!(before >= 0.0);
        let mut sum = 0u64;
        for i in 0..20_000_000u64 {
            sum = sum.wrapping_add(std::hint::black_box(i));
        }
        std::hint::black_box(sum);
        let spent = thread_cpu_micros() - before;
        assert!(spent > 1_000.0, "spent {spent} µs");
        // A sleeping thread uses (almost) no CPU.
        let asleep = thread_cpu_micros();
        std::thread::sleep(std::time::Duration::from_millis(50));
        assert!(thread_cpu_micros() - asleep < 20_000.0);
    }
}
