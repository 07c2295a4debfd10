//! Text of the device queue (待上传 …) and the sync banner.

pub const QUEUED: &str = "待上传";
pub const UPLOADING: &str = "上传中";
pub const SYNCED: &str = "已上传";
pub const ATTENTION: &str = "需处理";

pub const PAUSED: &str = "上传已暂停：服务器拒绝了请求，请稍后再试";
pub const TOO_LARGE: &str = "照片太大，服务器未接收。请修改后重试";
pub const REFUSED: &str = "服务器未接收这条上报，请修改后重试";

pub const QUEUE_TITLE: &str = "手机上的上报";
pub fn pending_banner(n: usize) -> String {
    format!("{n} 条待上传")
}
pub const SYNC_NOW: &str = "立即上传";
pub const NET_ONLINE: &str = "在线";
pub const NET_OFFLINE: &str = "离线：有网络时自动上传";
pub const NET_CHECKING: &str = "检查网络中…";

pub fn progress_text(done: usize, total: usize, sent: u64, bytes: u64) -> String {
    format!(
        "正在上传 {}/{} 条 · {} / {}",
        (done + 1).min(total),
        total,
        size(sent),
        size(bytes)
    )
}

/// "12 KB", "3.4 MB", "25.0 GB" (integer arithmetic: float formatting would add to the wasm).
pub fn size(bytes: u64) -> String {
    const MB: u64 = 1024 * 1024;
    const GB: u64 = 1024 * MB;
    let tenths = |unit: u64| {
        let t = (bytes.saturating_mul(10) + unit / 2) / unit;
        format!("{}.{}", t / 10, t % 10)
    };
    if bytes >= GB {
        format!("{} GB", tenths(GB))
    } else if bytes >= MB {
        format!("{} MB", tenths(MB))
    } else {
        format!("{} KB", bytes.div_ceil(1024))
    }
}

pub fn storage_estimate(used: u64, quota: u64) -> String {
    format!(
        "手机存储：已用 {}，可用 {}",
        size(used),
        size(quota.saturating_sub(used))
    )
}

pub fn photo_count(n: usize) -> String {
    format!("{n} 张照片")
}

pub const CODE_LABEL: &str = "查询码";
pub const RETRY: &str = "重试";
pub const EDIT: &str = "修改";
pub const DELETE: &str = "删除";
pub const DELETE_CONFIRM: &str = "确认删除";
pub const CANCEL: &str = "取消";
pub const CLEAR_SYNCED: &str = "清除已上传";
pub const VIEW: &str = "查看进度";

pub const QUEUED_TITLE: &str = "已保存在手机上";
pub const QUEUED_BODY: &str =
    "现在没有网络或网络不稳定。这条上报和照片已保存在手机上，有网络时会自动上传，无需重新填写。";

pub const QUOTA_FULL: &str =
    "手机存储空间已满，这条上报未能保存。请删除一些照片或文件后再提交；已保存的上报不受影响。";
pub const SAVE_FAILED: &str = "无法在手机上保存这条上报，请重试。已保存的上报不受影响。";
pub const NO_DEVICE_STORAGE: &str =
    "此浏览器不能在手机上保存上报（可能处于无痕模式），请在有网络时提交。";
pub const EDITING: &str = "正在修改一条未上传的上报，提交后将替换原来那条。";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_naturally() {
        assert_eq!(size(0), "0 KB");
        assert_eq!(size(1), "1 KB");
        assert_eq!(size(300 * 1024), "300 KB");
        assert_eq!(size(1024 * 1024), "1.0 MB");
        assert_eq!(size(3_565_158), "3.4 MB");
        assert_eq!(size(25 * 1024 * 1024 * 1024), "25.0 GB");
        assert_eq!(
            storage_estimate(2 * 1024 * 1024, 12 * 1024 * 1024),
            "手机存储：已用 2.0 MB，可用 10.0 MB"
        );
        assert_eq!(
            progress_text(0, 3, 0, 2048),
            "正在上传 1/3 条 · 0 KB / 2 KB"
        );
        assert_eq!(
            progress_text(3, 3, 2048, 2048),
            "正在上传 3/3 条 · 2 KB / 2 KB"
        );
    }
}
