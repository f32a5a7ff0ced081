-- `sop lsp` in Neovim 0.7 or later (Debian 12 ships 0.7.2): problems shown as you type, quick
-- fixes, completion, hover and go to definition in the SOPs of a repository.
--
-- Install: copy this file to ~/.config/nvim/plugin/sop.lua (or run `:luafile editors/neovim.lua`
-- for one session). `sop` must be on your PATH, or set SOP_BIN to its path. Every Markdown file
-- in a folder with `sop.toml` (or in a git repository) is served by the repository around it.
--
-- Keys in those files:
--   K           what the link, SOP id or problem under the cursor is (a rule's full explanation)
--   gd          go to the SOP or the heading a link or id names (Ctrl-] works too)
--   <leader>ca  fix the problem, or disable its rule for this line (`gra` in Neovim 0.11+)
--   <leader>e   the problem under the cursor in full, with its advice
--   ]d  [d      next / previous problem
--   Ctrl-X Ctrl-O  complete keys, values, links, anchors, headings and ids (as you type in 0.11+)

local sop = vim.env.SOP_BIN or 'sop'

-- The repository around `file`: the nearest folder upward that holds `sop.toml` or `.git`.
local function root_of(file)
  local dir = vim.fn.fnamemodify(file, ':p:h')
  while true do
    if vim.fn.filereadable(dir .. '/sop.toml') == 1
      or vim.fn.isdirectory(dir .. '/.git') == 1
      or vim.fn.filereadable(dir .. '/.git') == 1
    then
      return dir
    end
    local parent = vim.fn.fnamemodify(dir, ':h')
    if parent == dir then
      return nil
    end
    dir = parent
  end
end

local function jump(count)
  return function()
    if vim.diagnostic.jump then
      vim.diagnostic.jump({ count = count, float = true })
    elseif count > 0 then
      vim.diagnostic.goto_next()
    else
      vim.diagnostic.goto_prev()
    end
  end
end

local function on_attach(client, bufnr)
  local function map(keys, fn, desc)
    vim.keymap.set('n', keys, fn, { buffer = bufnr, desc = desc })
  end
  map('K', vim.lsp.buf.hover, 'sop: what this link, id or problem is')
  map('gd', vim.lsp.buf.definition, 'sop: go to the SOP or heading')
  map('<leader>ca', vim.lsp.buf.code_action, 'sop: fix the problem or disable its rule')
  map('<leader>e', vim.diagnostic.open_float, 'sop: the problem in full')
  map(']d', jump(1), 'sop: next problem')
  map('[d', jump(-1), 'sop: previous problem')
  vim.bo[bufnr].omnifunc = 'v:lua.vim.lsp.omnifunc'
  vim.bo[bufnr].tagfunc = 'v:lua.vim.lsp.tagfunc'
  if vim.lsp.completion and vim.lsp.completion.enable then
    vim.lsp.completion.enable(true, client.id, bufnr, { autotrigger = true })
  end
end

-- One server per repository. Neovim 0.8+ finds the running one itself (`vim.lsp.start`);
-- for 0.7 they are kept here, by repository folder.
local servers = {}

vim.api.nvim_create_autocmd('FileType', {
  pattern = 'markdown',
  callback = function(args)
    local file = vim.api.nvim_buf_get_name(args.buf)
    if file == '' then
      return
    end
    local root = root_of(file)
    if not root then
      return
    end
    local config = { name = 'sop', cmd = { sop, 'lsp' }, root_dir = root, on_attach = on_attach }
    if vim.lsp.start then
      vim.lsp.start(config, { bufnr = args.buf })
      return
    end
    local id = servers[root]
    if not id or not vim.lsp.get_client_by_id(id) then
      id = vim.lsp.start_client(config)
      servers[root] = id
    end
    if id then
      vim.lsp.buf_attach_client(args.buf, id)
    end
  end,
})

-- Each problem at the end of its line (Neovim 0.11 stopped doing this by default).
vim.diagnostic.config({ virtual_text = true })
