//! HdrHistogram bucket arithmetic, as `src/histogram/buckets.ts` does it.

use crate::layout::{HIGHEST_TRACKABLE_US, SUB_BUCKET_COUNT, SUB_BUCKET_HALF_COUNT, SUB_BUCKET_HALF_COUNT_MAGNITUDE};

/// Counts-array index of a value in µs: HdrHistogram's countsArrayIndex with unit magnitude 0.
/// `value_us` must be at most `HIGHEST_TRACKABLE_US` (see `clamp_us`).
#[inline]
pub fn counts_index_of(value_us: u64) -> usize {
    if value_us < SUB_BUCKET_COUNT {
        return value_us as usize;
    }
    let msb = 63 - value_us.leading_zeros();
    let bucket_index = msb - SUB_BUCKET_HALF_COUNT_MAGNITUDE;
    let sub_bucket_index = value_us >> bucket_index;
    (((bucket_index as u64 + 1) << SUB_BUCKET_HALF_COUNT_MAGNITUDE) + sub_bucket_index - SUB_BUCKET_HALF_COUNT) as usize
}

/// A latency in µs as the histogram takes it: beyond an hour → an hour, else rounded half up (JS
/// `Math.round` for the non-negative values that reach it). The flag says it was clamped from above,
/// which the region counts so nothing is hidden. Negative values never reach it (the region counts
/// them beside the histogram); NaN lands on 0.
#[inline]
pub fn clamp_us(latency_us: f64) -> (u64, bool) {
    if latency_us > HIGHEST_TRACKABLE_US as f64 {
        (HIGHEST_TRACKABLE_US, true)
    } else if latency_us > 0.0 {
        ((latency_us + 0.5).floor() as u64, false)
    } else {
        // Negative, zero and NaN.
        (0, false)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layout::{BUCKET_COUNT, COUNTS_LENGTH, SUB_BUCKET_COUNT_MAGNITUDE};

    /// The lowest value that lands in counts index i (`lowestValueAtIndex` in buckets.ts).
    fn lowest_value_at_index(index: usize) -> u64 {
        let mut bucket_index = (index >> SUB_BUCKET_HALF_COUNT_MAGNITUDE) as i64 - 1;
        let mut sub_bucket_index = (index as u64 & (SUB_BUCKET_HALF_COUNT - 1)) + SUB_BUCKET_HALF_COUNT;
        if bucket_index < 0 {
            sub_bucket_index -= SUB_BUCKET_HALF_COUNT;
            bucket_index = 0;
        }
        sub_bucket_index << bucket_index
    }

    #[test]
    fn constants_match_layout_ts() {
        assert_eq!(SUB_BUCKET_COUNT_MAGNITUDE, 11);
        assert_eq!(SUB_BUCKET_COUNT, 2048);
        assert_eq!(SUB_BUCKET_HALF_COUNT, 1024);
        assert_eq!(BUCKET_COUNT, 22);
        assert_eq!(COUNTS_LENGTH, 23_552);
    }

    #[test]
    fn every_bucket_boundary_maps_back_to_itself() {
        for index in 0..COUNTS_LENGTH {
            let lowest = lowest_value_at_index(index);
            if lowest > HIGHEST_TRACKABLE_US {
                break;
            }
            assert_eq!(counts_index_of(lowest), index, "index {index}");
            if lowest > 0 {
                assert_eq!(counts_index_of(lowest - 1), index - 1, "just below index {index}");
            }
        }
    }

    #[test]
    fn linear_below_2048_then_halving_resolution() {
        assert_eq!(counts_index_of(0), 0);
        assert_eq!(counts_index_of(2047), 2047);
        assert_eq!(counts_index_of(2048), 2048);
        assert_eq!(counts_index_of(2049), 2048);
        assert_eq!(counts_index_of(2050), 2049);
        assert!(counts_index_of(HIGHEST_TRACKABLE_US) < COUNTS_LENGTH);
    }

    #[test]
    fn the_2_pow_32_seam_is_contiguous() {
        let below = counts_index_of((1 << 32) - 1);
        let at = counts_index_of(1 << 32);
        assert_eq!(at - below, 1);
        assert_eq!(lowest_value_at_index(at), 1 << 32);
    }

    #[test]
    fn clamping() {
        assert_eq!(clamp_us(-4.0), (0, false));
        assert_eq!(clamp_us(f64::NAN), (0, false));
        assert_eq!(clamp_us(1234.4), (1234, false));
        assert_eq!(clamp_us(1234.5), (1235, false));
        assert_eq!(clamp_us(HIGHEST_TRACKABLE_US as f64), (HIGHEST_TRACKABLE_US, false));
        assert_eq!(clamp_us(HIGHEST_TRACKABLE_US as f64 + 0.25), (HIGHEST_TRACKABLE_US, true));
    }
}
