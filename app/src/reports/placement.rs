//! Reports that arrived before their 单元网格 existed (or before any grid was imported) are
//! placed in the background: a batch at a time in id order, the cursor kept in the database,
//! so a restart goes on where it stopped and several instances share the work harmlessly.
//! When the grids change, it starts again from the first report still without a grid.

use super::db::grids as db;
use crate::areas::grids::GridIndexSlot;
use crate::db::{Db, DbResult};

/// Reports read per batch.
pub const BATCH: i64 = 2_000;

/// One batch: how many reports it read and placed; `done` when nothing is left to read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Step {
    pub read: usize,
    pub placed: usize,
    pub done: bool,
}

pub async fn step(db: &Db, slot: &GridIndexSlot, batch: i64) -> DbResult<Step> {
    let index = crate::areas::grids::index(db, slot).await?;
    let idle = Step {
        read: 0,
        placed: 0,
        done: true,
    };
    if index.is_empty() {
        return Ok(idle);
    }
    let (version, after) = db::backfill_cursor(db).await?;
    let after = if version == index.version() { after } else { 0 };
    let rows = db::unplaced(db, after, batch).await?;
    let Some(&(last, _, _)) = rows.last() else {
        if version != index.version() {
            db::place(db, &[], index.version(), 0).await?;
        }
        return Ok(idle);
    };
    let placed: Vec<_> = rows
        .iter()
        .filter_map(|&(id, lat, lon)| index.locate(lon, lat).map(|g| (id, g.grid)))
        .collect();
    db::place(db, &placed, index.version(), last.0).await?;
    Ok(Step {
        read: rows.len(),
        placed: placed.len(),
        done: (rows.len() as i64) < batch,
    })
}
