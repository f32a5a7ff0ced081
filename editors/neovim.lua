-- `sop lsp` in Neovim 0.8 or later: problems shown as you type, quick fixes, completion,
-- hover and go to definition in the SOPs of a repository.
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

vim.api.nvim_create_autocmd('FileType', {
  pattern = 'markdown',
  callback = function(args)
    local file = vim.api.nvim_buf_get_name(args.buf)
    if file == '' then
      return
    end
    local marker = vim.fs.find({ 'sop.toml', '.git' }, { upward = true, path = vim.fs.dirname(file) })[1]
    if not marker then
      return
    end
    vim.lsp.start({
      name = 'sop',
      cmd = { sop, 'lsp' },
      root_dir = vim.fs.dirname(marker),
    }, { bufnr = args.buf })
  end,
})

vim.api.nvim_create_autocmd('LspAttach', {
  callback = function(args)
    local client = vim.lsp.get_client_by_id(args.data.client_id)
    if not client or client.name ~= 'sop' then
      return
    end
    local function map(keys, fn, desc)
      vim.keymap.set('n', keys, fn, { buffer = args.buf, desc = desc })
    end
    map('K', vim.lsp.buf.hover, 'sop: what this link, id or problem is')
    map('gd', vim.lsp.buf.definition, 'sop: go to the SOP or heading')
    map('<leader>ca', vim.lsp.buf.code_action, 'sop: fix the problem or disable its rule')
    map('<leader>e', vim.diagnostic.open_float, 'sop: the problem in full')
    vim.bo[args.buf].omnifunc = 'v:lua.vim.lsp.omnifunc'
    if vim.lsp.completion and vim.lsp.completion.enable then
      vim.lsp.completion.enable(true, client.id, args.buf, { autotrigger = true })
    end
  end,
})

-- Each problem at the end of its line (Neovim 0.11 stopped doing this by default).
vim.diagnostic.config({ virtual_text = true })
